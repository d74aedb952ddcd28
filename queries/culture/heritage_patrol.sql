-- name: 不可移动文物安全巡查
-- unit: 处
-- kind: level
-- direction: up
-- department: culture
-- metrics: heritage_patrolled
-- basis: maintain
-- source: 做好文物安全管理，全面落实51处不可移动文物安全巡查。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'heritage_patrolled' and year = $year and place is null
),

final as (
    select year, month, value
    from reported
)

select * from final
