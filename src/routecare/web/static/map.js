/* Offline maps: Leaflet over bundled Natural Earth borders and GeoNames towns, no tiles.
   A map element carries its data in attributes and a JSON script child, so the page keeps
   its CSP (script-src 'self', no inline script):
   - data-markers: id of a <script type="application/json"> with [{id, name, lat, lon, kind, free, total, url}]
   - data-countries: id of a JSON script with {alpha-2 code: country name in the page language}
   - data-pick-latitude / data-pick-longitude: ids of the inputs a tap on the map fills in
   - data-locate: id of the "use my location" button */
(function () {
  "use strict";
  var STATIC = "/static/map/";

  function json(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function markerClass(item) {
    if (item.total === null || item.total === undefined) { return "svc svc-other"; }
    return item.free > 0 ? "svc svc-free" : "svc svc-full";
  }

  /* Icons show counts only, built from numbers (Number()), never from names, which are data. */
  function serviceIcon(item) {
    var text = item.total === null || item.total === undefined ? "" : String(Number(item.free));
    return L.divIcon({ className: markerClass(item), html: "<span>" + text + "</span>", iconSize: [44, 44] });
  }

  function clusterIcon(cluster) {
    var free = 0;
    cluster.getAllChildMarkers().forEach(function (marker) { free += marker.options.freeBeds || 0; });
    return L.divIcon({
      className: "svc-cluster" + (free > 0 ? " svc-free" : ""),
      html: "<span>" + Number(cluster.getChildCount()) + "</span><small>" + Number(free) + "</small>",
      iconSize: [48, 48]
    });
  }

  function addBorders(map, names) {
    return fetch(STATIC + "countries.geojson").then(function (r) { return r.json(); }).then(function (geo) {
      L.geoJSON(geo, {
        interactive: false,
        style: { color: "#7a8596", weight: 1, fillColor: "#fbfaf5", fillOpacity: 1 },
        onEachFeature: function (feature, layer) {
          var code = feature.properties.code;
          var name = (names && code && names[code]) || feature.properties.name;
          layer.bindTooltip(text(name), { permanent: true, direction: "center", className: "country-name", interactive: false });
        }
      }).addTo(map);
    });
  }

  function addPlaces(map) {
    return fetch(STATIC + "places.geojson").then(function (r) { return r.json(); }).then(function (geo) {
      L.geoJSON(geo, {
        interactive: false,
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 3, color: "#1d2430", weight: 1, fillOpacity: 1, interactive: false })
            .bindTooltip(text(feature.properties.name), { permanent: true, direction: "right", className: "place-name", interactive: false });
        }
      }).addTo(map);
    });
  }

  function addServices(map, items) {
    var cluster = L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 40 });
    items.forEach(function (item) {
      var marker = L.marker([item.lat, item.lon], { icon: serviceIcon(item), title: item.name, freeBeds: item.free || 0, alt: item.name });
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.name;
      popup.appendChild(link);
      var detail = document.createElement("div");
      detail.textContent = item.kind + (item.beds ? " · " + item.beds : "");
      popup.appendChild(detail);
      marker.bindPopup(popup);
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    return cluster;
  }

  function pickPlace(map, latitude, longitude) {
    var marker = null;
    function put(latlng) {
      latitude.value = latlng.lat.toFixed(5);
      longitude.value = latlng.lng.toFixed(5);
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.circleMarker(latlng, { radius: 10, color: "#a4161a", weight: 3 }).addTo(map);
      }
    }
    map.on("click", function (event) { put(event.latlng); });
    return put;
  }

  function init(element) {
    var map = L.map(element, { attributionControl: true, zoomSnap: 0.5, minZoom: 2, maxZoom: 12 });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Natural Earth · © GeoNames CC BY 4.0");
    var items = json(element.dataset.markers) || [];
    var names = json(element.dataset.countries);
    var ready = [addBorders(map, names), addPlaces(map)];
    if (items.length) {
      var cluster = addServices(map, items);
      map.fitBounds(cluster.getBounds(), { padding: [30, 30], maxZoom: 9 });
    } else {
      map.setView([24, 12], 4);
    }
    var latitude = document.getElementById(element.dataset.pickLatitude || "");
    var longitude = document.getElementById(element.dataset.pickLongitude || "");
    if (latitude && longitude) {
      var put = pickPlace(map, latitude, longitude);
      var locate = document.getElementById(element.dataset.locate || "");
      if (locate && navigator.geolocation) {
        locate.hidden = false;
        locate.addEventListener("click", function () {
          navigator.geolocation.getCurrentPosition(function (position) {
            var here = L.latLng(position.coords.latitude, position.coords.longitude);
            put(here);
            map.setView(here, 9);
          });
        });
      }
    }
    Promise.all(ready).then(function () { element.dataset.ready = "true"; });
  }

  document.querySelectorAll("[data-map]").forEach(init);
})();
