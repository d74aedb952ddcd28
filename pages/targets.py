import streamlit as st

st.title("目标管理")
st.caption("PLACEHOLDER: this page is being built")
