package io.micro.examples.greeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micro.Service;
import io.micro.registry.Node;
import io.micro.registry.memory.MemoryRegistry;
import io.micro.testing.ExternalServer;
import io.micro.toolkit.Toolkit;
import io.micro.toolkit.web.WebServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard of {@code micro web} in headless Chromium (system {@code chromium} and {@code
 * chromedriver}): against the real greeter ({@code go.micro.srv.greeter}), this example web app
 * behind the proxy at {@code /greeter/}, and a websocket echo app at {@code /echo/}. Takes the
 * screenshots of {@code docs/web.md} into {@code docs/images/}.
 *
 * <p>Skips when Chromium or chromedriver is not installed, fails then under {@code
 * MICRO_IT_REQUIRE=1}. The browser is kept off the network: every host name but 127.0.0.1 resolves
 * to nothing and background services are off.
 */
class DashboardBrowserIT {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  static MemoryRegistry registry;
  static Toolkit toolkit;
  static Service greeter;
  static GreeterWeb app;
  static WebServer web;
  static EventLoopGroup echoGroup;
  static WebDriver driver;
  static WebDriverWait wait;
  static Path userData;

  @BeforeAll
  static void start() throws Exception {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      String why = "Chromium or chromedriver not installed (Debian packages chromium, chromium-driver)";
      if (ExternalServer.required()) {
        throw new AssertionError(why + " and MICRO_IT_REQUIRE=1 requires them");
      }
      Assumptions.abort(why);
    }
    registry = MemoryRegistry.create();
    toolkit = Toolkit.builder().env(Map.of()).registry(registry).build();
    greeter = Service.builder().name("go.micro.srv.greeter").address("127.0.0.1:0")
        .registry(registry).selector(toolkit.selector()).transport(toolkit.transport())
        .handler(new io.micro.examples.greeter.server.Say()).build();
    greeter.start();
    app = new GreeterWeb(new InetSocketAddress("127.0.0.1", 0), registry,
        toolkit.client().proxy(Say.class, "go.micro.srv.greeter"));
    echoGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    int echoPort = startEcho();
    registry.register(io.micro.registry.Service.of("go.micro.web.echo", "latest")
        .withNodes(List.of(Node.of("echo-1", "127.0.0.1:" + echoPort))), Duration.ZERO);
    web = WebServer.builder(registry, toolkit.selector(), toolkit.client())
        .address("127.0.0.1:0").enableStats(true).build().start();

    userData = Files.createTempDirectory("micro-chromium");
    ChromeOptions opts = new ChromeOptions();
    opts.setBinary(CHROMIUM);
    opts.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage", "--user-data-dir=" + userData,
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--window-size=1280,860");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, opts);
    driver.manage().window().setSize(new Dimension(1280, 860));
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  static int startEcho() throws InterruptedException {
    Channel ch = new ServerBootstrap().group(echoGroup).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/ws"),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                    ctx.writeAndFlush(new TextWebSocketFrame(f.text()));
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  @AfterAll
  static void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (web != null) {
      web.close();
      app.close();
      greeter.close();
      echoGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      toolkit.close();
    }
    if (userData != null) {
      try (var files = Files.walk(userData)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static void open(String path) {
    driver.get(web.url() + path);
  }

  static void screenshot(String name) throws IOException {
    String dir = System.getProperty("docs.images");
    if (dir == null || dir.isBlank()) {
      return;
    }
    Path out = Path.of(dir);
    Files.createDirectories(out);
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void homeListsWebAppsAndFilters() throws IOException {
    open("/");
    WebElement tile = wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText("greeter")));
    assertThat(tile.getAttribute("href")).endsWith("/greeter/");
    assertThat(driver.findElement(By.linkText("echo")).isDisplayed()).isTrue();
    screenshot("web-home.png");
    driver.findElement(By.cssSelector("input.search")).sendKeys("gree");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.linkText("echo")));
    assertThat(tile.isDisplayed()).isTrue();
  }

  @Test
  void registryAndServicePages() throws IOException {
    open("/registry");
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText("go.micro.srv.greeter")));
    screenshot("web-registry.png");
    driver.findElement(By.linkText("go.micro.srv.greeter")).click();
    wait.until(ExpectedConditions.textToBe(By.id("service-name"), "go.micro.srv.greeter"));
    String page = driver.findElement(By.tagName("main")).getText();
    assertThat(page).contains("Say.Hello").contains("name string").contains("msg string")
        .contains("127.0.0.1:");
    screenshot("web-service.png");
  }

  @Test
  void callFormAnswersHelloJohn() throws IOException {
    open("/call?service=go.micro.srv.greeter&endpoint=Say.Hello");
    WebElement request = driver.findElement(By.id("call-request"));
    // prefilled from the endpoint's request schema
    wait.until(d -> request.getAttribute("value").contains("\"name\""));
    request.clear();
    request.sendKeys("{\"name\": \"John\"}");
    driver.findElement(By.id("call-submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("call-response"), "Hello John"));
    assertThat(driver.findElement(By.id("call-latency")).getText()).contains("ms");
    screenshot("web-call.png");
  }

  @Test
  void cliListsCallsAndChecksHealth() throws IOException {
    open("/cli");
    WebElement input = wait.until(ExpectedConditions.elementToBeClickable(By.id("cli-input")));
    By output = By.id("cli-output");
    input.sendKeys("list services", Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(output, "go.micro.web.greeter"));
    wait.until(ExpectedConditions.elementToBeClickable(input));
    input.sendKeys("call go.micro.srv.greeter Say.Hello {\"name\":\"John\"}", Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(output, "\"msg\": \"Hello John\""));
    wait.until(ExpectedConditions.elementToBeClickable(input));
    input.sendKeys("health go.micro.srv.greeter", Keys.ENTER);
    wait.until(d -> d.findElement(output).getText().matches("(?s).*127\\.0\\.0\\.1:\\d+\\s+ok.*"));
    wait.until(ExpectedConditions.elementToBeClickable(input));
    input.sendKeys("get service go.micro.srv.greeter", Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(output, "Endpoint: Say.Hello"));
    screenshot("web-cli.png");
  }

  @Test
  void proxyServesTheGreeterWebApp() throws IOException {
    open("/greeter/");
    WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("name")));
    name.sendKeys("John", Keys.ENTER);
    wait.until(ExpectedConditions.textToBe(By.id("message"), "Hello John"));
    assertThat(driver.getCurrentUrl()).isEqualTo(web.url() + "/greeter/");
    screenshot("web-greeter-app.png");
  }

  @Test
  void websocketEchoesThroughTheProxy() {
    open("/");
    Object reply = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "const ws = new WebSocket(location.origin.replace('http', 'ws') + '/echo/ws');"
            + "ws.onopen = () => ws.send('hello through micro web');"
            + "ws.onmessage = (e) => { done(e.data); ws.close(); };"
            + "ws.onerror = () => done('error');");
    assertThat(reply).isEqualTo("hello through micro web");
  }

  @Test
  void statsPageShowsCounters() throws IOException {
    open("/stats");
    wait.until(d -> !d.findElement(By.id("stats-total")).getText().isEmpty());
    assertThat(Integer.parseInt(driver.findElement(By.id("stats-total")).getText())).isPositive();
    assertThat(driver.findElement(By.id("stats-memory")).getText()).endsWith("mb");
    screenshot("web-stats.png");
  }
}
