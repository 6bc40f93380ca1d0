"""The lab: experiments written in MLflow's lab book, and the registry of models worth serving."""
