import streamlit as st

st.title("指标详情")
st.caption("PLACEHOLDER: this page is being built")
