// Charts without inline scripts: an element with data-chart="ID" is drawn from the JSON in
// <script type="application/json" id="ID"> ({% json_script %}), as bars per category (the grassroots
// offices of a district, say) with an optional line on a second axis. ECharts is vendored.
// A chart whose data has "link" (with {id} and {code}) and "ids" opens the list behind a clicked bar.
(function () {
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var axes = [{type: "value", name: data.unit || ""}];
    if (data.unit2) axes.push({type: "value", name: data.unit2});
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {data: data.series.map(function (s) { return s.name; })},
      grid: {left: 48, right: data.unit2 ? 48 : 16, bottom: 72},
      xAxis: {type: "category", data: data.names, axisLabel: {interval: 0, rotate: data.names.length > 6 ? 30 : 0}},
      yAxis: axes,
      series: data.series.map(function (s) {
        return {name: s.name, type: s.type || "bar", yAxisIndex: s.axis || 0, data: s.data,
                stack: s.stack, itemStyle: s.color ? {color: s.color} : undefined, connectNulls: true};
      })
    });
    if (data.link && data.ids) {
      chart.on("click", function (p) {
        var code = data.series[p.seriesIndex].code || "";
        window.location = data.link.replace("{id}", data.ids[p.dataIndex]).replace("{code}", code);
      });
    }
    chart.on("finished", function () { el.setAttribute("data-ready", "1"); });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-chart").charAt(0) !== "{") draw(el);
    });
  });
})();
