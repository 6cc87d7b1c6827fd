#!/usr/bin/env bash
# Start the demo platform: database, synthetic Ningbo (once), web server and background worker.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
bin=.venv/bin
export ZHIJIAN_MODE=demo
mkdir -p var
"$bin/zhijian" setup
if [ ! -f var/.demo-loaded ]; then
  "$bin/zhijian" demo --scale demo --seed 2025
  touch var/.demo-loaded
else
  echo "演示数据已存在（重新生成：make demo-reset）"
fi
"$bin/zhijian" collectstatic --noinput --verbosity 0
"$bin/zhijian" worker >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<TXT

  智监 is running at  http://$host:$port/
  公众查询（无需登录）: http://$host:$port/public/register/
  接口文档:             http://$host:$port/api/v1/docs

  Demo accounts (password for all: zhijian-demo):
    admin         市局管理员（全市）
    credit        市局处室人员（信用监管处）
    food          市局处室人员（食品协调处）
    product       市局处室人员（产品监管处）
    haishu        海曙区局人员
    yinzhou       鄞州区局人员
    inspector     海曙区局执法检查人员（手机页面 /inspections/field/）
    inspector2    海曙区局执法检查人员（同组）
    enterprise    企业用户（一家海曙企业）
    lab_food      检验检测机构人员（食品）
    lab_product   检验检测机构人员（产品）
    lab_mingzhou  检验检测机构人员（复检机构）
    lift          企业用户（电梯维保单位：维保记录、困人救援）
    liftuser      企业用户（特种设备使用单位）
    tsei          检验检测机构人员（特种设备检验研究院）
    qlab, qstd    检验检测机构人员（质量基础设施一站式服务）

  Background worker log: var/worker.log.  Stop with Ctrl-C.
TXT
"$bin/gunicorn" zhijian.wsgi --bind "$host:$port" --workers 2 --threads 4 --access-logfile - --log-level warning
