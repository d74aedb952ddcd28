import streamlit as st

st.title("生态绿美")
st.caption("PLACEHOLDER: this page is being built")
