"""The lab (MLflow), the kitchen (FastAPI) and the shop window (Streamlit) of one model."""

import os

# MLflow reports usage to its makers unless told not to; a classroom project keeps quiet.
# (setdefault: a person who wants telemetry on can still say so in the environment.)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
