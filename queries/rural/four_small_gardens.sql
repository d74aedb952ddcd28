-- name: 新增建成“四小园”
-- unit: 个
-- kind: cumulative
-- direction: up
-- department: agri
-- metrics: four_small_gardens
-- source: 深化农村人居环境整治，持续推进雍陌特色精品村以及大布、塘敢、前陇、西山等美丽宜居村建设，新增建成“四小园”15个，打造美丽宜居家园。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'four_small_gardens' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
