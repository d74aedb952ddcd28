import streamlit as st

st.title("民生保障")
st.caption("PLACEHOLDER: this page is being built")
