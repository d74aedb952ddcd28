-- A per-place stock as of each month that has any report in the year: each place keeps its latest
-- value (from this year or earlier) until it reports again. Shared by the per-place indicators.
create or replace macro place_stock_asof(metric_code, for_year) as table
with months as (
    select distinct month from figure_current where metric = metric_code and year = for_year
),
reports as (
    select year * 100 + month as ym, place, value from figure_current
    where metric = metric_code and year <= for_year and place is not null
)
select for_year as year, m.month, r.place, arg_max(r.value, r.ym) as value
from months m join reports r on r.ym <= for_year * 100 + m.month
group by m.month, r.place;
