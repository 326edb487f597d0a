"""Shared Streamlit pieces for the pages: controls bound to the URL, downloads, page chrome."""
