"""The few page-wide CSS rules, in one place: what a phone shows instead of a wide table, and chart toolbars.

Pages opt in by the key of a container, never by Streamlit's generated class names:

- ``st.container(key="wide-…")`` is hidden below ``PHONE_MAX_PX``, ``st.container(key="phone-…")`` above it:
  a page with a wide view and a phone view renders both (Streamlit stacks columns at the same width).
- ``st.container(key="tiles-…").columns(n)``: metric tiles two by two on a phone rather than one per line.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import HEAD_KEY

PHONE_MAX_PX = 640

CSS = f"""
<style>
.st-key-{HEAD_KEY} {{display: none}}
@media (min-width: {PHONE_MAX_PX + 1}px) {{ [class*="st-key-phone-"] {{display: none !important}} }}
@media (max-width: {PHONE_MAX_PX}px) {{ [class*="st-key-wide-"] {{display: none !important}} }}
/* A row of metric tiles (st.container(key="tiles-…").columns(n)) stays two by two on a phone instead of one per line. */
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-tiles-"] [data-testid="stHorizontalBlock"] {{flex-wrap: wrap; flex-direction: row; gap: 0.5rem}}
  [class*="st-key-tiles-"] [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important; width: auto !important
  }}
  [class*="st-key-tiles-"] [data-testid="stMetricValue"] {{font-size: 1.6rem}}
  [class*="st-key-tiles-"] [data-testid="stMetricLabel"] * {{white-space: normal !important; text-overflow: clip !important}}
}}
/* Plotly's toolbar sits over the top right of a chart: on a phone or a touch screen it covers the title. */
@media (max-width: {PHONE_MAX_PX}px), (hover: none) {{ .js-plotly-plot .modebar-container {{display: none !important}} }}

.ux-cards {{display: flex; flex-direction: column; gap: 0.6rem}}
.ux-card {{border: 1px solid #D5DCE4; border-radius: 0.5rem; padding: 0.55rem 0.75rem; background: #FFFFFF}}
.ux-card-head {{display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem; color: #5A6B7B; font-size: 0.9rem}}
.ux-card-name {{font-weight: 700; font-size: 1.05rem; margin: 0.2rem 0 0.25rem; line-height: 1.4}}
.ux-card-line {{font-size: 0.95rem; line-height: 1.5}}
.ux-card-line b {{color: #5A6B7B; font-weight: 600; margin-right: 0.4em}}
.ux-card details {{margin-top: 0.3rem; font-size: 0.95rem}}
.ux-card summary {{color: #0F4C81; cursor: pointer}}
.ux-card details p {{margin: 0.3rem 0 0; line-height: 1.5}}
</style>
"""


def is_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent), for what CSS cannot change: a map's zoom.

    Phones say "Mobi" (Android: "Mobile Safari", iPhone: "Mobile/15E148"); tablets do not and get the screen view.
    """
    agent = st.context.headers.get("User-Agent") or ""
    return "Mobi" in agent or "iPhone" in agent


def inject() -> None:
    """Add the rules to the page (a style-only ``st.html`` takes no room); ``app.py`` calls it on every run."""
    st.html(CSS)
