import streamlit as st

st.title("数据填报")
st.caption("PLACEHOLDER: this page is being built")
