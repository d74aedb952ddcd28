"""乡村振兴: the area's indicators, projects and download (body in components.area)."""

from components.area import render_area

render_area("rural")
