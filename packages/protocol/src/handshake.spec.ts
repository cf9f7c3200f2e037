import { describe, expect, it } from "vitest";
import { formatHandshake, HandshakeError, parseHandshake } from "./handshake.js";

describe("formatHandshake", () => {
  it("writes go-plugin's five fields with unix and grpc, and the newest version unless told", () => {
    expect(formatHandshake("/tmp/pw-1/plugin.sock")).toBe("1|2|unix|/tmp/pw-1/plugin.sock|grpc");
    expect(formatHandshake("/tmp/pw-1/plugin.sock", 1)).toBe("1|1|unix|/tmp/pw-1/plugin.sock|grpc");
  });
});

describe("parseHandshake", () => {
  it("reads what formatHandshake writes, with or without the newline", () => {
    const expected = {
      coreVersion: 1,
      appVersion: 2,
      network: "unix",
      address: "/tmp/s.sock",
      protocol: "grpc",
    };
    expect(parseHandshake(formatHandshake("/tmp/s.sock"))).toEqual(expected);
    expect(parseHandshake(`${formatHandshake("/tmp/s.sock")}\r\n`)).toEqual(expected);
  });

  it.each([
    ["", /expected 5 fields/],
    ["hello world", /expected 5 fields/],
    ["1|1|unix|/tmp/s.sock", /expected 5 fields/],
    ["1|1|unix|/tmp/s.sock|grpc||", /expected 5 fields.*got 7/],
    ["2|1|unix|/tmp/s.sock|grpc", /core protocol version "2"/],
    ["x|1|unix|/tmp/s.sock|grpc", /core protocol version "x"/],
    ["1|7|unix|/tmp/s.sock|grpc", /plugin protocol version "7".*speaks 1, 2/],
    ["1|1|tcp|127.0.0.1:1234|grpc", /network "tcp"/],
    ["1|1|unix||grpc", /socket address ""/],
    ["1|1|unix|relative.sock|grpc", /absolute Unix socket path/],
    ["1|1|unix|/tmp/s.sock|netrpc", /protocol "netrpc"/],
  ])("refuses %j with a message saying what is wrong", (line, message) => {
    expect(() => parseHandshake(line)).toThrow(HandshakeError);
    expect(() => parseHandshake(line)).toThrow(message);
  });

  it("accepts go-plugin's sixth field when it is empty (no AutoMTLS)", () => {
    expect(parseHandshake("1|1|unix|/tmp/s.sock|grpc|\n")).toEqual(
      parseHandshake("1|1|unix|/tmp/s.sock|grpc"),
    );
  });

  it("refuses a sixth field carrying a certificate, saying AutoMTLS is not supported", () => {
    const line = "1|1|unix|/tmp/s.sock|grpc|MIIBszCCAVmgAwIBAgIRAJ";
    expect(() => parseHandshake(line)).toThrow(HandshakeError);
    expect(() => parseHandshake(line)).toThrow(/TLS certificate.*AutoMTLS.*does not support/);
  });

  it("accepts an application version the host lists, both of this package's unless told", () => {
    expect(parseHandshake("1|2|unix|/s|grpc", [1, 2]).appVersion).toBe(2);
    expect(parseHandshake("1|1|unix|/s|grpc").appVersion).toBe(1);
    expect(() => parseHandshake("1|2|unix|/s|grpc", [1])).toThrow(/version "2".*speaks 1/);
  });

  it("keeps the offending line on the error", () => {
    try {
      parseHandshake("garbage");
    } catch (error) {
      expect((error as HandshakeError).line).toBe("garbage");
    }
  });
});
