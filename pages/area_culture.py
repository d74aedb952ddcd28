import streamlit as st

st.title("文化建设")
st.caption("PLACEHOLDER: this page is being built")
