import streamlit as st

st.title("总览")
st.caption("PLACEHOLDER: this page is being built")
