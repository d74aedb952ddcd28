-- name: 七大行业污水预处理设施覆盖率
-- unit: %
-- kind: ratio
-- direction: up
-- department: env
-- metrics: pretreat_covered, pretreat_required
-- source: 扎实推进厂企雨污分流整治工作，加快推进9个村(社区)的农村生活污水治理项目建设，完成51个小区污水管网改造、745亩鱼塘尾水治理，力促涉水城市面源污染七大行业污水预处理设施覆盖率达到60%。
-- qualifier: 力争
-- description: 已建成预处理设施的单位 ÷ 应建单位（月末）
with reported as (
    select
        year,
        month,
        max(value) filter (where metric = 'pretreat_covered') as covered,
        max(value) filter (where metric = 'pretreat_required') as required
    from figure_current
    where metric in ('pretreat_covered', 'pretreat_required') and year = $year
    group by year, month
),

final as (
    select year, month, 100.0 * covered / nullif(required, 0) as value
    from reported
    where covered is not null and required is not null
)

select * from final
