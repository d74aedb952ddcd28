import streamlit as st

st.title("重点项目")
st.caption("PLACEHOLDER: this page is being built")
