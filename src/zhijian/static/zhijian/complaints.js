// 12315 pages: the respondent look-up (filing forms), a double-submit guard, and the charts.
// No inline script (the CSP allows scripts from the site only): pages mark what they need.
(function () {
  function lookup(input) {
    var list = document.getElementById("lookup-results"), timer;
    var url = input.dataset.lookupUrl;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.length < 2) { list.innerHTML = ""; return; }
        fetch(url + "?q=" + encodeURIComponent(input.value))
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.items.forEach(function (item) {
              var li = document.createElement("li");
              li.textContent = item.name + "（" + item.jurisdiction + "）";
              li.addEventListener("click", function () {
                input.value = item.name;
                document.getElementById("respondent_uscc").value = item.uscc;
                list.innerHTML = "";
              });
              list.appendChild(li);
            });
          });
      }, 250);
    });
  }
  function monthly(el, data) {
    return {
      animation: false, tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 50, right: 20, top: 40, bottom: 40},
      xAxis: {type: "category", data: data.months}, yAxis: {type: "value", name: "件"},
      series: [{name: "投诉", type: "bar", stack: "all", data: data.complaints},
               {name: "举报", type: "bar", stack: "all", data: data.reports},
               {name: "咨询", type: "bar", stack: "all", data: data.enquiries}]
    };
  }
  function categories(el, data) {
    return {animation: false, tooltip: {}, grid: {left: 50, right: 20, top: 20, bottom: 70},
      xAxis: {type: "category", data: data.categories, axisLabel: {rotate: 35}}, yAxis: {type: "value"},
      series: [{type: "bar", data: data.counts}]};
  }
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[data-lookup-url]");
    if (input) lookup(input);
    var form = document.getElementById("filing-form");
    if (form) {
      var sent = false;
      form.addEventListener("submit", function (e) { if (sent) { e.preventDefault(); } sent = true; });
    }
    var el = document.getElementById("chart");
    if (el && el.dataset.chartKind && window.echarts) {
      var data = JSON.parse(el.dataset.chart);
      var chart = echarts.init(el);
      chart.setOption((el.dataset.chartKind === "monthly" ? monthly : categories)(el, data));
      window.addEventListener("resize", function () { chart.resize(); });
      chart.on("finished", function () { el.dataset.ready = "1"; });
    }
  });
})();
