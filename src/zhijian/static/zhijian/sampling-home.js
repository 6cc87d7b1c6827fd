// The sampling home chart (/sampling/): food batches per 1,000 residents and closure rate by district.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var el = document.getElementById("chart");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.dataset.chart);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis"},
    legend: {data: ["食品抽检批次/千人", "后处理闭环率（%）"]},
    xAxis: {type: "category", data: data.names, axisLabel: {interval: 0, rotate: 30}},
    yAxis: [{type: "value", name: "批次/千人"}, {type: "value", name: "%", max: 100}],
    series: [
      {name: "食品抽检批次/千人", type: "bar", data: data.per_thousand},
      {name: "后处理闭环率（%）", type: "line", yAxisIndex: 1, data: data.closure, connectNulls: true}
    ]
  });
});
