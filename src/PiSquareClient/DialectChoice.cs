namespace IotSquares.Client;

/// <summary>
/// The dialect the user chose for the client (<c>--dialect</c>): one of the protocol's two
/// <see cref="Protocol.Dialect"/> values, or <see cref="Auto"/> to let the server's answer decide.
/// </summary>
public enum DialectChoice
{
    /// <summary>Our framed, versioned dialect (the default).</summary>
    Framed,

    /// <summary>The textbook's dialogue, byte for byte.</summary>
    Textbook,

    /// <summary>Greet in the framed dialect and fall back to the textbook's if the server answers like the textbook's server.</summary>
    Auto,
}
