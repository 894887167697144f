namespace IotSquares.Protocol.Framed;

/// <summary>The limits a server announces in its welcome, so a client can stay inside them.</summary>
/// <param name="MaxDigits">The most digits a request may have, if the server said.</param>
/// <param name="MaxLineLength">The most bytes a request line may have, if the server said.</param>
public sealed record ServerParameters(int? MaxDigits, int? MaxLineLength);
