#!/usr/bin/env bash
# The main job on one machine: builds both programs, starts PiSquareServer on loopback, runs
# PiSquareClient against it (the textbook's exchange of 0..99, in our framed dialect and then in
# the textbook's own), and stops the server with SIGTERM as systemd would. No GPIO or I2C is
# touched: on a terminal, each client run shows the client Pi's three LEDs and its display as the
# simulated hardware draws them (the first an SSD1306 OLED 128x64, the second an HD44780 LCD 20x4), in
# the bottom rows of the screen while the run's own lines scroll above; the final picture stays on the
# screen. The server's output goes to its log, so it draws nothing here. When the output is not a
# terminal (CI, a pipe), nothing is drawn.
#
#   bash scripts/demo.sh                 # port 50007
#   PORT=50100 bash scripts/demo.sh      # another port
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-50007}"
out="artifacts/demo"
log="$out/server.log"
mkdir -p "$out"

echo "== Building (Release)"
dotnet build src/PiSquareServer -c Release -o "$out/server" --nologo -v quiet
dotnet build src/PiSquareClient -c Release -o "$out/client" --nologo -v quiet

echo "== Starting PiSquareServer on 127.0.0.1:$port"
dotnet "$out/server/PiSquareServer.dll" --bind 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
stop_server() {
    if kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" || true
    fi
}
trap stop_server EXIT

for _ in $(seq 1 100); do
    grep -q "Listening on" "$log" && break
    if ! kill -0 "$server" 2>/dev/null; then
        echo "The server did not start:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
grep -q "Listening on" "$log" || { echo "The server did not start listening within 10 s" >&2; cat "$log" >&2; exit 1; }

echo
echo "== PiSquareClient, framed dialect (the default), with a simulated OLED and LEDs"
dotnet "$out/client/PiSquareClient.dll" --host 127.0.0.1 --port "$port" --hardware simulated

echo
echo "== PiSquareClient, the textbook's dialect, with a simulated 20x4 LCD and LEDs"
dotnet "$out/client/PiSquareClient.dll" --host 127.0.0.1 --port "$port" --dialect textbook --quiet \
    --hardware simulated --display hd44780 --display-size 20x4

echo
echo "== Stopping the server (SIGTERM)"
stop_server
trap - EXIT
echo
echo "== Server log ($log)"
cat "$log"
