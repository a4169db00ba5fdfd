"""Streamlit glue shared by `app.py` and the pages: session state and widgets."""
