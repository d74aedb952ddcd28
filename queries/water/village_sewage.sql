-- name: 9个村（社区）农村生活污水治理项目平均进度
-- unit: %
-- kind: level
-- direction: up
-- basis: track
-- department: water
-- metrics: village_sewage_pct
-- source: 扎实推进厂企雨污分流整治工作，加快推进9个村(社区)的农村生活污水治理项目建设，完成51个小区污水管网改造、745亩鱼塘尾水治理，力促涉水城市面源污染七大行业污水预处理设施覆盖率达到60%。
-- description: 9个村（社区）农村生活污水治理项目形象进度的平均值（每村按最近一次填报计）；原文要求“加快推进”，未给完成数，故只跟踪进度、不设目标值
with villages as (
    select year, month, place, value
    from place_stock_asof('village_sewage_pct', $year)
),

final as (
    select year, month, round(avg(value), 1) as value
    from villages
    group by year, month
)

select * from final
