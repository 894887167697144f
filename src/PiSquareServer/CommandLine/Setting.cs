namespace IotSquares.Server.CommandLine;

/// <summary>One setting given on the command line: its configuration key, the option that set it, and the value as typed.</summary>
internal sealed record Setting(string Key, string Option, string Value);
