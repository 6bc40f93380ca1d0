"""The kitchen: a FastAPI service that takes orders and cooks predictions with the champion."""
