import streamlit as st

st.title("乡村振兴")
st.caption("PLACEHOLDER: this page is being built")
