"""The supervisor's Streamlit pages (``streamlit run app.py``).

Application code, not part of the installed package: each page module is a script
that :func:`streamlit.navigation` runs. Pages are thin: widgets in, calls into
``scheduler`` and ``forecasts``, rendering out; shared session state and cached
computations live in :mod:`ui.state`, charts and cards in :mod:`ui.widgets`.
"""
