-- name: 提供保障性租赁住房
-- unit: 套
-- kind: cumulative
-- direction: up
-- department: build
-- metrics: rental_housing_units
-- source: 做好住房保障工作，提供150套保障性租赁住房。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'rental_housing_units' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
