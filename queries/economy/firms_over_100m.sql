-- name: 亿元以上企业
-- unit: 家
-- kind: level
-- direction: up
-- department: econ
-- metrics: firms_over_100m
-- basis: track
-- source: 围绕引进或培育一家百亿元以上企业、百家亿元以上企业、一个超百亿元产业集群的工作目标，分步实施企业培育“三个一百”计划。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'firms_over_100m' and year = $year and place is null
),

final as (
    select year, month, value
    from reported
)

select * from final
