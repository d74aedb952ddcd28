"""Chinese for the English that Streamlit's own front end prints and no option changes, in one place.

Streamlit 1.67 has no locale setting. What an option can change is changed at the source instead:
``st.navigation(expanded=True)`` (no "View 6 more"), ``placeholder="—"`` on tables (no "None"), our own
labels and help on every widget. What is left is the front end's fixed chrome: the uploader's "Upload"
button and "10MB per file • XLSX, CSV", the table toolbar and column menu (with its statistics), the "Fullscreen" buttons,
Plotly's toolbar titles, the "Press Enter to apply" hints and the hidden "Skip to main content" link.

``inject`` adds one small script that rewrites exactly those strings (whole text nodes and the
``aria-label``/``title``/``placeholder``/``data-title`` attributes, matched in full against the table
below) whenever Streamlit renders them. Icon ligatures (``translate="no"``) are never touched: their
English names are what draws the icon. A string not in the table stays as it is, so an upgrade of
Streamlit can bring English back: ``tests/test_browser_ux.py`` walks every page and fails on it.

Left in English on purpose: the uploader's refusal of an oversized file ("File must be 10.0MB or smaller"):
the upload page states the limit in Chinese, and its owner's tests read Streamlit's words.
"""

from __future__ import annotations

import json

import streamlit as st

# Whole strings, exactly as Streamlit 1.67 renders them.
PHRASES: dict[str, str] = {
    # navigation and page chrome
    "Skip to main content": "跳到正文",
    "View less": "收起",
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏",
    "Running...": "正在运行……",
    "Please wait...": "请稍候……",
    "Connection error": "连接中断",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": (
        "服务程序可能已停止，请联系管理员重新启动。"
    ),
    "Connection lost. Please wait for the app to reconnect, then try again.": "连接中断，请等待重新连接后再试。",
    "Close": "关闭",
    "Cancel": "取消",
    # file uploader
    "Upload": "浏览文件",
    "Browse files": "浏览文件",
    "Drag and drop file here": "将文件拖到此处",
    "Drag and drop files here": "将文件拖到此处",
    "file upload": "上传文件",
    "Remove file": "移除文件",
    # widgets
    "Press Enter to apply": "按回车键确认",
    "Press Enter to submit form": "按回车键提交",
    "Press Ctrl+Enter to apply": "按 Ctrl+回车 确认",
    "Press ⌘+Enter to apply": "按 ⌘+回车 确认",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No results": "没有匹配的选项",
    "Clear all": "全部清除",
    "Clear": "清除",
    "Show password": "显示输入的字符",  # not "…密码": a label lookup for 密码 must find one field
    "Hide password": "隐藏输入的字符",
    "Increment": "加一",
    "Decrement": "减一",
    # element toolbars (tables, charts, maps)
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Download as CSV": "下载为 CSV",
    "Download as PNG": "下载为 PNG",
    "Show data": "查看数据",
    "Show chart": "查看图表",
    "Search": "搜索",
    "Show/hide columns": "显示/隐藏列",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Pin column": "固定此列",
    "Unpin column": "取消固定",
    "Hide column": "隐藏此列",
    "Autosize": "自动列宽",
    "Format": "数字格式",
    "Copy column name": "复制列名",
    "Dataframe column menu": "表格列菜单",
    "Type to search": "输入以搜索",
    "Select all": "全选",
    "Clear selection": "清除选择",
    "Wrap": "自动换行",
    "Automatic": "自动",
    "Localized": "本地格式",
    "Plain": "不分隔",
    "Percent": "百分比",
    "Scientific": "科学计数",
    "Compact": "简写",
    "Accounting": "会计格式",
    "Dollar": "美元",
    "Euro": "欧元",
    "Yen": "日元",
    "Statistics": "统计",
    "Distribution histogram": "分布直方图",
    "Top values frequency chart": "常见值次数图",
    "Based on sample": "基于抽样",
    "Count": "个数",
    "Distinct": "不同值",
    "Empty": "空值",
    "Values": "值个数",
    "Sum": "合计",
    "Average": "平均值",
    "Median": "中位数",
    "Minimum": "最小值",
    "Maximum": "最大值",
    "Range": "范围",
    "Standard deviation": "标准差",
    "Average length": "平均长度",
    "Minimum length": "最短长度",
    "Maximum length": "最长长度",
    "No data": "无数据",
    "No options": "没有选项",
    # Plotly's toolbar (its button titles)
    "Download plot as a PNG": "下载图片（PNG）",
    "Download plot as a png": "下载图片（PNG）",
    "Download plot": "下载图片",
    "Reset axes": "还原坐标轴",
    "Autoscale": "自动缩放",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Zoom": "缩放",
    "Pan": "平移",
}

# Strings with a number or a name inside: (JavaScript regular expression, replacement).
PATTERNS: list[tuple[str, str]] = [
    (r"^View (\d+) more$", "展开其余 $1 项"),
    (r"^(\d+(?:\.\d+)?)\s?([KMG]B) per file(?: • (.+))?$", "每个文件最大 $1 $2 · $3"),
    (r"^Help for (.+)$", "“$1”的说明"),
]

_SCRIPT = """
<script>
(() => {
  if (window.__trackerI18n) return;
  window.__trackerI18n = true;
  const phrases = new Map(Object.entries(%(phrases)s));
  const patterns = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const ATTRS = ["aria-label", "title", "placeholder", "data-title"];
  const LATIN = /[A-Za-z]/;
  // Cheap first: most text is Chinese or a number and is rejected by one regular expression test.
  const translate = (text) => {
    if (!LATIN.test(text)) return null;
    const key = text.trim();
    if (phrases.has(key)) return text.replace(key, phrases.get(key));
    for (const [re, to] of patterns) {
      if (re.test(key)) return text.replace(key, key.replace(re, to).replace(/ · $/, ""));
    }
    return null;
  };
  // Icon ligatures (translate="no"), scripts, styles and drawings (svg: charts, icons) are never read.
  const skipped = (el) => el.closest("[translate='no'], script, style, svg") !== null;
  const fixText = (node) => {
    const out = translate(node.nodeValue);
    if (out !== null && out !== node.nodeValue && node.parentElement && !skipped(node.parentElement)) node.nodeValue = out;
  };
  const fixAttrs = (el) => {
    for (const name of ATTRS) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const out = translate(value);
      if (out !== null && out !== value) el.setAttribute(name, out);
    }
  };
  const filter = {
    acceptNode: (node) =>
      node.nodeType === Node.ELEMENT_NODE && (!(node instanceof HTMLElement) ||
        node.getAttribute("translate") === "no" || node.tagName === "SCRIPT" || node.tagName === "STYLE")
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE || filter.acceptNode(root) === NodeFilter.FILTER_REJECT) return;
    fixAttrs(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, filter);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) fixText(node); else fixAttrs(node);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttrs(r.target);
      else r.addedNodes.forEach(walk);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS});
  walk(document.body);
})();
</script>
"""

HEAD_KEY = "ux-head"  # the container of the script; hidden by ``components.styles``


def script_html() -> str:
    """The script tag ``inject`` renders (a function, so a test can read what the browser runs)."""
    return _SCRIPT % {"phrases": json.dumps(PHRASES, ensure_ascii=False), "patterns": json.dumps(PATTERNS)}


def inject() -> None:
    """Add the translator to the page: once per run, from ``app.py``; it installs itself once per browser tab.

    It sits in the sidebar (in the page even while the sidebar is collapsed), in a container the CSS hides, so
    the main area starts with the page's own first element.
    """
    with st.sidebar.container(key=HEAD_KEY):
        st.html(script_html(), unsafe_allow_javascript=True)
