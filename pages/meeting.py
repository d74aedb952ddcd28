import streamlit as st

st.title("会议模式")
st.caption("PLACEHOLDER: this page is being built")
