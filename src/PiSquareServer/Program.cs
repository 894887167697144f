using IotSquares.Server.CommandLine;

return await ServerCommand.InvokeAsync(args);
