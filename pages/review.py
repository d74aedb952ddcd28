"""审核与锁定: the 督查室 accepts or returns each department's submission and 情况说明 for the month, and locks it."""

from __future__ import annotations

import streamlit as st

from components import review
from components.auth import current_user
from components.sidebar import current_filters


def main() -> None:
    st.title("审核与锁定")
    st.caption(
        "督查室逐月审核各部门的填报和情况说明：通过，或写明意见退回部门修改；审核完毕后锁定该月。锁定后该月数据不能再修改，管理员可写明原因解锁。"
    )
    filters = current_filters()
    review.render_page(current_user(), filters.year, filters.month)


main()
