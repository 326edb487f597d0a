"""Placeholder until the page is built."""

import streamlit as st

st.title("inside_adam")
st.info("This page is being built.")
