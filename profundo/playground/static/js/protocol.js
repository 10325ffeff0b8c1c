// The WebSocket to the server. Text messages are JSON objects with a "type"; a binary message is
// a frame: a 4-byte little-endian length, that many bytes of JSON (the header), then the heat
// maps one after the other, header.maps[i]² bytes for map i.

/** The header and heat maps of a binary frame. */
export function decodeFrame(buffer) {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const maps = [];
  let offset = 4 + length;
  for (const side of header.maps) {
    maps.push(new Uint8Array(buffer, offset, side * side));
    offset += side * side;
  }
  return { header, maps };
}

/** Connect to the playground's socket; `handlers[type](message)` receives each message
 *  (frames as {header, maps} under "frame"), `handlers.open` and `handlers.close` the events. */
export function connect(handlers) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.binaryType = "arraybuffer";
  socket.addEventListener("open", () => handlers.open?.());
  socket.addEventListener("close", () => handlers.close?.());
  socket.addEventListener("message", (event) => {
    if (event.data instanceof ArrayBuffer) {
      handlers.frame?.(decodeFrame(event.data));
      return;
    }
    const message = JSON.parse(event.data);
    handlers[message.type]?.(message);
  });
  return {
    send(message) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
  };
}
