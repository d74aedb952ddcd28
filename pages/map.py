import streamlit as st

st.title("地图")
st.caption("PLACEHOLDER: this page is being built")
