using System.Globalization;
using System.Numerics;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Sessions;

/// <summary>What the framed session's tests share: one connection, its observer, and a driver before or after the greeting.</summary>
public abstract class FramedServerSessionTestBase
{
    protected const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192\n";
    protected static readonly ConnectionInfo Connection = new(7, "127.0.0.1:40000");

    private protected RecordingObserver Observer { get; } = new();

    private protected SessionDriver NewDriver(ProtocolLimits? limits = null) =>
        new(new FramedServerSession(new FramedCodec(limits ?? ProtocolLimits.Default), Connection, Observer));

    private protected SessionDriver Greeted(ProtocolLimits? limits = null)
    {
        SessionDriver driver = NewDriver(limits);
        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squares/1\n"));
        driver.TakeOutput();
        return driver;
    }
}
