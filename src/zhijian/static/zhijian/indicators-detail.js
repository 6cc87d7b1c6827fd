// The indicator page's trajectory and district charts (data from the page's JSON block).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("indicator-chart-data");
  if (!holder) return;
  var d = JSON.parse(holder.textContent);
  if (!window.echarts) return;
  var c = echarts.init(document.getElementById("trajectory"));
  c.setOption({animation: false, tooltip: {trigger: "axis"}, legend: {data: ["实际值", "应达进度"]},
    xAxis: {type: "category", data: d.years}, yAxis: {type: "value", scale: true},
    series: [{name: "实际值", type: "bar", data: d.values},
             {name: "应达进度", type: "line", data: d.path, lineStyle: {type: "dashed"},
              markLine: d.target === null ? undefined : {symbol: "none", label: {formatter: "目标 " + d.target}, data: [{yAxis: d.target}]}}]});
  var g = echarts.init(document.getElementById("district-chart"));
  g.setOption({animation: false, tooltip: {trigger: "axis"}, legend: {data: ["本年值", "目标"]},
    xAxis: {type: "category", data: d.districts.names, axisLabel: {interval: 0, rotate: 30}}, yAxis: {type: "value", scale: true},
    series: [{name: "本年值", type: "bar", data: d.districts.values},
             {name: "目标", type: "line", step: "middle", symbol: "none", lineStyle: {type: "dashed", color: "#d9363e"}, data: d.districts.targets}]});
  g.on("click", function (p) { var u = d.districts.urls[p.dataIndex]; if (u) { window.location.href = u; } });
});
