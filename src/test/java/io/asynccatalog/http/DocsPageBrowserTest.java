package io.asynccatalog.http;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /docs in a real browser (headless Chromium driven by chromedriver): the page renders the served contract,
 * lists its operations, and a product posted with "Try it out" is accepted and then readable. The screenshot is
 * kept in target/docs-page.png. Skipped, visibly, where Chromium or chromedriver is not installed.
 */
class DocsPageBrowserTest {
  private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome");
  private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  @TempDir
  static Path dir;
  static RunningApp service;
  static WebDriver browser;

  private static String first(List<String> candidates) {
    return candidates.stream().filter(p -> new File(p).canExecute()).findFirst().orElse(null);
  }

  @BeforeAll
  static void start() throws Exception {
    String chromium = first(BROWSERS);
    String driver = first(DRIVERS);
    Assumptions.assumeTrue(chromium != null && driver != null,
        "no Chromium and chromedriver here (apt-get install chromium chromium-driver): the browser test is skipped");
    service = RunningApp.start("docs-page", dir, json -> json.put("CATALOG_AUTH", "off"));
    ChromeOptions options = new ChromeOptions().setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1400,2400");
    ChromeDriverService driverService = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(driverService, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void theDocsPageListsTheOperationsAndAProductPostedFromItIsStored() throws Exception {
    String base = "http://127.0.0.1:" + service.app.httpPort();
    browser.get(base + "/docs");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("operations-products-createProduct")));
    Set<String> operations = browser.findElements(By.cssSelector(".opblock")).stream()
        .map(e -> e.getAttribute("id")).collect(Collectors.toSet());
    for (String id : List.of("createProduct", "createProducts", "listProducts", "getProduct", "getProductReport")) {
      assertTrue(operations.contains("operations-products-" + id), id + " is listed: " + operations);
    }
    assertTrue(browser.getTitle().contains("AsyncCatalog"), browser.getTitle());
    assertTrue(browser.findElement(By.cssSelector(".info .title")).getText().contains("AsyncCatalog API"));

    WebElement post = browser.findElement(By.id("operations-products-createProduct"));
    post.findElement(By.cssSelector(".opblock-summary")).click();
    WebElement body = wait.until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("#operations-products-createProduct textarea.body-param__text")));
    body.click();
    body.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    body.sendKeys("{\"name\":\"Posted from the docs page\",\"price\":\"3.50\",\"category\":\"docs\"}");
    browser.findElement(By.cssSelector("#operations-products-createProduct .btn.execute")).click();
    WebElement status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
        "#operations-products-createProduct .live-responses-table .response .response-col_status")));
    assertEquals("202", status.getText().trim().split("\\s+")[0]);
    String answer = browser.findElement(By.cssSelector(
        "#operations-products-createProduct .live-responses-table .response-col_description pre")).getText();
    String id = new JsonObject(answer).getString("id");
    Files.write(Path.of("target", "docs-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

    Poll.until(Duration.ofSeconds(30), "the product posted from the page is stored",
        () -> service.http.get("/products/" + id).statusCode() == 200);
    JsonObject stored = new JsonObject(service.http.get("/products/" + id).body());
    assertEquals("Posted from the docs page", stored.getString("name"));
    assertEquals("3.50", stored.getString("price"));
  }

  @Test
  void theHomePageLinksTheDocs() {
    browser.get("http://127.0.0.1:" + service.app.httpPort() + "/");
    browser.findElement(By.linkText("API docs")).click();
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("operations-products-createProduct")));
    assertTrue(browser.getCurrentUrl().endsWith("/docs"), browser.getCurrentUrl());
  }
}
