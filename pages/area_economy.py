import streamlit as st

st.title("经济发展")
st.caption("PLACEHOLDER: this page is being built")
