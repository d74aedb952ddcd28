-- name: 开展文化活动
-- unit: 场次
-- kind: cumulative
-- direction: up
-- department: culture
-- metrics: cultural_events
-- source: 深入实施文化惠民工程，打造独具三乡特色的文化品牌，开展各类文化活动290场次以上。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'cultural_events' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
