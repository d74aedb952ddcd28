"""How to run the app: ``streamlit run serve.py`` (or ``python serve.py``, or ``uvicorn serve:app`` behind a proxy).

``app.py`` is the Streamlit script; this wraps it in ``st.App`` (Streamlit's Starlette server) to add the two
routes that set and clear the HttpOnly login cookie (``components.auth.routes``). Under ``streamlit run app.py``
everything but logging in works; the login box then says to start with this file.
"""

from pathlib import Path

import streamlit as st

from components.auth import routes

app = st.App(Path(__file__).parent / "app.py", routes=routes())

if __name__ == "__main__":
    app.run()
