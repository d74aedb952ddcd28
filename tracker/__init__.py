"""Target tracking for the 三乡镇 government work report: rules, storage and exports, free of any UI."""
