-- name: 农村生活污水治理项目完工村（社区）
-- unit: 个
-- kind: level
-- direction: up
-- department: water
-- metrics: village_sewage_pct
-- source: 扎实推进厂企雨污分流整治工作，加快推进9个村(社区)的农村生活污水治理项目建设，完成51个小区污水管网改造、745亩鱼塘尾水治理，力促涉水城市面源污染七大行业污水预处理设施覆盖率达到60%。
-- description: 农村生活污水治理项目完成进度达到100%的村（社区）数
with villages as (
    select year, month, place, value
    from place_stock_asof('village_sewage_pct', $year)
),

final as (
    select year, month, count(*) filter (where value >= 100) as value
    from villages
    group by year, month
)

select * from final
