// The credit overview's distribution chart (/credit/): classes stacked by district; a click on a
// bar opens that district's entities of that class.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var el = document.getElementById("chart");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.dataset.chart);
  var standingsUrl = el.dataset.standingsUrl;
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0},
    grid: {left: 50, right: 20, top: 40, bottom: 70},
    xAxis: {type: "category", data: data.districts, axisLabel: {rotate: 35}},
    yAxis: {type: "value", name: "主体数"},
    series: data.series.map(function (s) {
      return {name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: {color: s.color}, code: s.code};
    })
  });
  chart.on("click", function (p) {
    var code = data.series[p.seriesIndex].code;
    window.location = standingsUrl + "?district=" + data.ids[p.dataIndex] + "&class=" + code;
  });
  window.addEventListener("resize", function () { chart.resize(); });
  chart.on("finished", function () { el.dataset.ready = "1"; });
});
