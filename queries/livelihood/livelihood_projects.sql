-- name: 十件民生实事完成
-- unit: 件
-- kind: cumulative
-- direction: up
-- department: office
-- metrics: livelihood_projects_done
-- source: 加强基本民生保障。做好十件民生实事。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'livelihood_projects_done' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
