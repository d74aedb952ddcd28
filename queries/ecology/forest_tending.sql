-- name: 抚育森林面积
-- unit: 亩
-- kind: cumulative
-- direction: up
-- department: nature
-- metrics: forest_tending_mu
-- source: 深入落实林长制，科学开展绿化行动，新增绿化、造林面积约800亩，抚育森林面积约1200亩。
-- qualifier: 约
with reported as (
    select year, month, value
    from figure_current
    where metric = 'forest_tending_mu' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
