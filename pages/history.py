import streamlit as st

st.title("上传记录")
st.caption("PLACEHOLDER: this page is being built")
