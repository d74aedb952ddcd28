import streamlit as st

st.title("填报情况")
st.caption("PLACEHOLDER: this page is being built")
