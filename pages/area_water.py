import streamlit as st

st.title("水环境治理")
st.caption("PLACEHOLDER: this page is being built")
